"""ZCTextIndex pipeline elements of ``phutho_lexicon`` (see catalog.xml).

Plone's ``plone_lexicon`` strips accents only from words whose first letter
is below U+0250: "Ủy", "Ứng", "Ở" or "Ấp" start in the Latin Extended
Additional block and keep their marks, so "uy ban" misses "Ủy ban". Here
every word is folded with :func:`phutho.intranet.text.fold`.

Queries go through the same pipeline: ZCTextIndex's query parser folds each
term, globs included, before looking words up (``Lexicon.parseTerms``), so
"DUONG*" and "đườ*" reach ``globToWordIds`` as "duong*" and "duo*".
"""

from phutho.intranet.text import fold
from Products.ZCTextIndex.PipelineFactory import element_factory

import functools
import re
import unicodedata

SPLITTER_NAME = "Unicode NFC word splitter"
NORMALIZER_NAME = "Vietnamese folding normalizer"

# Vietnamese words are syllables: a few thousand distinct ones make up any
# text, so folding each once makes indexing a long file several times faster.
_fold_word = functools.lru_cache(maxsize=2**16)(fold)


class _Element:
    """A stateless pipeline element, equal to any other of its class.

    GenericSetup empties a lexicon whenever the pipeline it imports differs
    from the stored one; with identity comparison every re-import of
    catalog.xml would empty the lexicon under populated indexes.
    """

    def __eq__(self, other):
        return type(self) is type(other)

    def __hash__(self):
        return hash(type(self))


class WordSplitter(_Element):
    """Split text into words, composing it (NFC) first.

    Decomposed input ("e" + U+0302 + U+0301 for "ế", as some PDF and Mac
    tools write it) would otherwise split at each combining mark, which is
    not a word character.
    """

    _word = re.compile(r"\w+")
    _glob = re.compile(r"\w+[\w*?]*")

    def process(self, texts):
        return self._split(self._word, texts)

    def processGlob(self, texts):
        return self._split(self._glob, texts)

    @staticmethod
    def _split(pattern, texts):
        return [
            word
            for text in texts
            for word in pattern.findall(unicodedata.normalize("NFC", text))
        ]


class FoldingNormalizer(_Element):
    """Lower-case words and strip their diacritics ("Đường" -> "duong")."""

    def process(self, words):
        return [folded for folded in map(_fold_word, words) if folded]


element_factory.registerFactory("Word Splitter", SPLITTER_NAME, WordSplitter)
element_factory.registerFactory("Case Normalizer", NORMALIZER_NAME, FoldingNormalizer)
