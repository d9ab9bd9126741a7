"""File formats: checklist YAML, the NC report workbook, the follow-up import."""
