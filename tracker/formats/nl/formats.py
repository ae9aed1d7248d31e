# Dates as Dutch writes them, month names in lower case: "17 mei 2023", short "17 mei 2023"
# and "3 mrt 2021". (Django's "M" capitalises the abbreviated month: "17 Mei 2023".)
# Templates use these names (date:"DATE_FORMAT", date:"SHORT_DATE_FORMAT"), never a pattern.
DATE_FORMAT = "j F Y"
SHORT_DATE_FORMAT = "j b Y"
