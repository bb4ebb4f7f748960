"""CSV files as exports really arrive: byte-order marks, CRLF, other encodings, empty files."""
from close.pack import load_pack, validate_pack


def test_bom_and_crlf_are_fine(good_pack, tmp_path):
    path = good_pack / "vendors.csv"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_text().replace("\n", "\r\n").encode())
    assert validate_pack(good_pack) == []
    assert "vendors" in load_pack(good_pack, tmp_path / "db.duckdb").tables


def test_a_line_that_is_not_utf8_is_reported_on_its_line(good_pack):
    path = good_pack / "customers.csv"
    path.write_bytes(path.read_text().replace("Big Customer, Inc.", "Gro\xdfkunde GmbH").encode("latin-1"))
    # the customer on that line is unreadable, so references to it are not reported as unknown
    assert [str(p) for p in validate_pack(good_pack)] == ["customers.csv line 2 is not UTF-8 text"]


def test_a_header_that_is_not_utf8(good_pack):
    (good_pack / "vendors.csv").write_bytes(b"vendor_id,n\xe4me\n")
    problems = [str(p) for p in validate_pack(good_pack)]
    assert problems[0].startswith("vendors.csv line 1 is not UTF-8 text")


def test_empty_file(good_pack):
    (good_pack / "periods.csv").write_text("")
    assert [str(p) for p in validate_pack(good_pack)] == [
        "periods.csv line 1 is empty: it needs a header line naming the columns"]


def test_header_only_file_is_an_empty_table(good_pack, tmp_path):
    path = good_pack / "periods.csv"
    path.write_text(path.read_text().splitlines()[0] + "\n")
    assert validate_pack(good_pack) == []
    info = load_pack(good_pack, tmp_path / "db.duckdb")
    assert "periods" in info.tables


def test_repeated_header_column(good_pack):
    path = good_pack / "vendors.csv"
    lines = path.read_text().splitlines()
    path.write_text("\n".join([lines[0] + ",name"] + [l + ",again" for l in lines[1:]]) + "\n")
    assert [str(p) for p in validate_pack(good_pack)] == ["vendors.csv line 1, name appears twice in the header"]

