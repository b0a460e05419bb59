from tests.submissions.conftest import cast  # noqa: F401 - the same cast as the submission tests
