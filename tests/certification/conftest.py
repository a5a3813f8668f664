"""Certification tests keep uploaded documents in a temporary directory of this session."""
import atexit
import os
import shutil
import tempfile

# Read by certification.settings.Settings when the session's `certification` service starts.
if "TRUST_DOCUMENT_DIR" not in os.environ:
    _documents = tempfile.mkdtemp(prefix="certification-documents-")
    os.environ["TRUST_DOCUMENT_DIR"] = _documents
    atexit.register(shutil.rmtree, _documents, ignore_errors=True)


import pytest  # noqa: E402

from trust_common.platform import PlatformPublisher  # noqa: E402


@pytest.fixture(scope="session")
async def platform(kafka_topics):
    """The platform's publisher (account facts, the sister app's certification facts: CERT-9)."""
    async with PlatformPublisher(kafka_topics) as publisher:
        yield publisher
