"""Installer for the phutho.intranet package."""

from pathlib import Path
from setuptools import find_namespace_packages
from setuptools import setup

long_description = Path("README.md").read_text(encoding="utf-8")

setup(
    name="phutho.intranet",
    version="1.0.0.dev0",
    description=(
        "Intranet portal of Phú Thọ province: official documents, "
        "document exchange (edXML) and e-mail, as a Plone 6.2 add-on."
    ),
    long_description=long_description,
    long_description_content_type="text/markdown",
    classifiers=[
        "Environment :: Web Environment",
        "Framework :: Plone",
        "Framework :: Plone :: 6.2",
        "Framework :: Plone :: Addon",
        "Programming Language :: Python",
        "Programming Language :: Python :: 3.11",
        "Operating System :: OS Independent",
        "Natural Language :: Vietnamese",
    ],
    keywords="Plone intranet document-management edXML Vietnam",
    author="phutho.intranet developers",
    license="GPL version 2",
    package_dir={"": "src"},
    packages=find_namespace_packages("src", include=["phutho.*"]),
    include_package_data=True,
    zip_safe=False,
    python_requires=">=3.11",
    install_requires=[
        "setuptools",
        "Plone",
        "Products.CMFPlone",
        "plone.api",
        "plone.app.dexterity",
        "plone.app.theming",
        "plone.restapi",
        "collective.easyform",
        "lxml",
        "signxml",
        "pypdf",
        # Reports: registers and statistics as XLSX, case files as one PDF.
        "openpyxl",
        "fpdf2",
        "python-dateutil",
        "pytz",
        # The mail-in ingester (phutho-mailin) and the digest command.
        "aiosmtpd",
        "IMAPClient",
        "requests",
        # Reading documents (issue 15): OCR through Debian's tesseract,
        # PDF signatures verified and applied.
        "ocrmypdf",
        "pikepdf",
        "pyHanko",
        "pyhanko-certvalidator",
        # phutho-import's progress bar.
        "rich",
        # The work calendar's iCalendar feed (pinned as Plone's own).
        "icalendar",
    ],
    extras_require={
        "test": [
            "plone.app.testing",
            "plone.testing",
            "zope.testrunner",
            "requests",
            "playwright",
            "ZEO",
            "RelStorage",
            "psycopg2-binary",
            # The scanned-document corpus (scripts/ocr_corpus.py): noise;
            # its measures (scripts/reading_measure.py): edit distances.
            "numpy",
            "rapidfuzz",
            # The clock drill (scripts/drills.py): the wall clock moved,
            # the monotonic clock left alone.
            "time-machine",
        ],
        # Shared databases for several instances (docs/operations.md).
        # RelStorage with the pinned binary driver: RelStorage[postgresql]
        # would build an unpinned psycopg2 from source.
        "zeo": ["ZEO"],
        "relstorage": ["RelStorage", "psycopg2-binary"],
        # `make lint`: the checks plone/meta sets up for Plone packages.
        "lint": [
            "black",
            "codespell",
            "flake8",
            "i18ndude",
            "isort",
            "pyupgrade",
            "zpretty",
        ],
    },
    entry_points={
        "plone.autoinclude.plugin": ["target = plone"],
        "console_scripts": [
            "phutho-mailin = phutho.intranet.mailin.main:main",
            "phutho-digest = phutho.intranet.mail.command:main",
            "phutho-worker = phutho.intranet.jobs.command:main",
            "phutho-import = phutho.intranet.bulk.command:main",
        ],
    },
)
