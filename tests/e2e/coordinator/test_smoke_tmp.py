from flask.testing import FlaskClient

def test_pages(as_admin: FlaskClient, demo: None) -> None:
    for path in ["/coordinator/", "/coordinator/volunteers", "/coordinator/board",
                 "/coordinator/board/table", "/coordinator/stats", "/coordinator/stats.csv",
                 "/coordinator/audit", "/coordinator/volunteers/new", "/coordinator/volunteers/1"]:
        r = as_admin.get(path)
        print(path, r.status_code, len(r.data))
        assert r.status_code == 200, r.get_data(as_text=True)[-3000:]
