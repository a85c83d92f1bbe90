"""The words of the source format, as plain constants: importable without the model.

Reading a file (and so `tbkl render` on unchanged notices, or reading tbkl.yaml) needs the key
names but not pydantic, whose import costs more than the rest of a small run. A test holds
`ALL_KEYS` equal to the model's fields.
"""

SCHEMA_VERSION = 1

URGENCY_LEVELS = ("KHẨN", "THƯỢNG KHẨN", "HỎA TỐC")

BLOCK_KEYS = ("muc", "khoan", "diem", "gach", "cong")

EXTEND_KEY = "noi_nhan_them"

ALL_KEYS = frozenset(
    {
        "phien_ban", "mau", "co_quan", "so", "ky_hieu", "dia_danh", "ngay", "ngay_hop", "do_khan",
        "trich_yeu", "noi_dung", "noi_nhan", "luu", "nguoi_ky", EXTEND_KEY,
        "chu_quan", "ten", "viet_tat",
        "quyen_han", "chuc_vu", "ho_ten",
        "nam", "thang",
        *BLOCK_KEYS, "tieu_de",
    }
)  # fmt: skip
