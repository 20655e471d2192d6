"""Functions of tests/data/functions.yaml (run by workflow rules, see tests/api/test_functions.py)."""


def escalate(record, zoho):
    # the record whose rule started this function: workflow rules must not run again, whatever trigger says
    return zoho.crm.updateRecord(
        "Tickets", record["id"], {"Note": "escalated by function", "Amount": 99999}, {"trigger": ["workflow"]}
    )


def follow_up(record, zoho):
    created = zoho.crm.createRecord(
        "Tasks", {"Subject": "Follow up " + record["Subject"], "Ticket_Ref": record["id"]}
    )
    again = zoho.crm.getRecordById("Tasks", created["id"])
    missing = zoho.crm.getRecordById("Tasks", "1")
    bad = zoho.crm.updateRecord("Tickets", record["id"], {"Amount": "lots"}, {"trigger": []})
    return {"created": created["id"], "subject": again["Subject"], "missing": missing, "bad": bad["code"]}


def bump_other(record, zoho):
    # another record: its workflow rules run
    return zoho.crm.updateRecord(
        "Tickets", record["Other_Id"], {"Status": "Escalated"}, {"trigger": ["workflow"]}
    )


def broken(record, zoho):
    raise RuntimeError("boom in " + record["Subject"])


def recurse(record, zoho):
    return zoho.crm.createRecord(
        "Chains", {"Name": "link after " + record["Name"]}, {"trigger": ["workflow"]}
    )


def remember(record, zoho):
    # a deleted record: the function gets its values as they were
    return zoho.crm.createRecord(
        "Tasks", {"Subject": "Deleted " + record["Subject"], "Ticket_Ref": record["id"]}
    )


def finder(record, zoho):
    found = zoho.crm.searchRecords("Tickets", "((Subject:starts_with:printer)and(Amount:greater_than:10))")
    second_page = zoho.crm.searchRecords("Tickets", "(Subject:starts_with:printer)", 2, 1)
    bad = zoho.crm.searchRecords("Tickets", "Subject:equals:x")
    return {
        "found": sorted(r["Subject"] for r in found),
        "page2": [r["Subject"] for r in second_page],
        "bad": bad,
    }
