"""Gapless, duplicate-free numbering of registers (sổ văn bản).

See :mod:`phutho.intranet.numbering.counter` for why it is safe under
concurrent transactions on several Zope instances.
"""
