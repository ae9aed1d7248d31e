# Dates as British English writes them: "17 May 2023", short "17 May 2023" and "3 Mar 2021".
DATE_FORMAT = "j F Y"
SHORT_DATE_FORMAT = "j M Y"
