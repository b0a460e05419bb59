"""Storage for gold files: on disk, outside MEDIA_ROOT, and with no URL."""

from django.core.files.storage import FileSystemStorage, Storage, storages
from django.core.signals import setting_changed
from django.utils.functional import LazyObject, empty


class GoldStorage(FileSystemStorage):
    """A file system storage that refuses to produce a URL for anything it holds."""

    def __init__(self, **kwargs):
        kwargs["base_url"] = None
        super().__init__(**kwargs)

    def url(self, name):
        raise PermissionError("gold files have no URL; they never leave the server")


class _LazyGoldStorage(LazyObject):
    # Looked up from settings.STORAGES["gold"] at first use, and again after tests change it.
    _wrapped: Storage | object  # the storage, or `empty` until it is looked up

    def _setup(self):
        self._wrapped = storages["gold"]


_gold = _LazyGoldStorage()


def gold_storage():
    """The storage of Dataset.gold (a callable, so migrations name it rather than pickle it)."""
    return _gold


def _reset_gold(*, setting, **kwargs):
    if setting == "STORAGES":
        _gold._wrapped = empty


setting_changed.connect(_reset_gold)
