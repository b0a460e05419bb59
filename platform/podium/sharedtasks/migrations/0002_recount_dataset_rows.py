"""Count the rows of splits the admin stored without counting them (they showed "0 rows").

The admin now stores splits through sharedtasks.datasets, which counts rows; this fixes the rows
saved before. Files are read through their storage, so object storage works as well as disk.
"""

from django.db import migrations


def recount(apps, schema_editor):
    Dataset = apps.get_model("sharedtasks", "Dataset")
    for dataset in Dataset.objects.filter(row_count=0).exclude(inputs=""):
        storage = dataset.inputs.storage
        if not storage.exists(dataset.inputs.name):
            continue
        with storage.open(dataset.inputs.name, "rb") as handle:
            rows = sum(1 for line in handle if line.strip())
        Dataset.objects.filter(pk=dataset.pk).update(row_count=rows)


class Migration(migrations.Migration):
    dependencies = [
        ("sharedtasks", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(recount, migrations.RunPython.noop),
    ]
