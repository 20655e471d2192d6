"""The function of tests/data/trust.yaml."""


def shout(record, zoho):
    return record["Subject"].upper()
