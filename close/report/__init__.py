"""Monthly Financial Review reports: HTML, Markdown, Excel workpapers."""


def write_reports(doc, out_dir, review_state=None) -> list:
    return []
