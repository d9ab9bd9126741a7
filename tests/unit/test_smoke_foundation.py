def test_cli_new_record_show(cli):
    r = cli("audits", "new", "--checklist", "iso9001-2015", "--title", "T", "--auditee", "A",
            "--json")
    assert r.code == 0, r.err
    audit = r.json()["id"]
    assert cli("record", audit, "4.1", "--result", "conform").code == 0
    doc = cli("audits", "show", audit, "--json").json()
    assert {i["ref"]: i["result"] for i in doc["items"]}["4.1"] == "conform"
