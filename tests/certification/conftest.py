"""Certification tests keep uploaded documents in a temporary directory of this session."""
import os
import tempfile

# Read by certification.settings.Settings when the session's `certification` service starts.
os.environ.setdefault("TRUST_DOCUMENT_DIR", tempfile.mkdtemp(prefix="certification-documents-"))
