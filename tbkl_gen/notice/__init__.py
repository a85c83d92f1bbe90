"""The notice: what a Thông báo kết luận holds, declared once, with its JSON Schema."""
