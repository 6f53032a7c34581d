#!/usr/bin/env python3
"""Builds data/emigrants_in_labour_destinations.csv from the UN DESA International Migrant
Stock 2019 origin-by-destination table (Table 1 of UN_MigrantStockByOriginAndDestination_2019,
saved as CSV). Usage: emigrants_in_labour_destinations.py TABLE1.csv > data/emigrants_in_labour_destinations.csv

The alternatives a would-be labour migrant weighs against Japan: the Gulf (GCC) and the Asian
economies that recruit temporary foreign workers. Hong Kong and Macao are left out for China,
whose own territory they are. Taiwan is not in the UN DESA table."""
import csv
import sys

ORIGINS = {"CHN": "China", "PHL": "Philippines", "IDN": "Indonesia", "VNM": "Viet Nam",
           "MMR": "Myanmar", "NPL": "Nepal"}
DESTINATIONS = ["Saudi Arabia", "United Arab Emirates", "Kuwait", "Qatar", "Oman", "Bahrain",
                "Malaysia", "Singapore", "Thailand", "Republic of Korea", "Brunei Darussalam",
                "China, Hong Kong SAR", "China, Macao SAR"]
OWN_TERRITORY = {"CHN": {"China, Hong Kong SAR", "China, Macao SAR"}}
SOURCE = ("UN DESA International Migrant Stock 2019 (POP/DB/MIG/Stock/Rev.2019), Table 1 of "
          "UN_MigrantStockByOriginAndDestination_2019.xlsx, sum over {dests}; computed by "
          "scripts/data/emigrants_in_labour_destinations.py")


def number(text):
    text = text.replace(",", "").strip()
    return int(text) if text.isdigit() else 0


rows = list(csv.reader(open(sys.argv[1], encoding="utf-8", errors="replace")))
header = next(r for r in rows if "Other South" in r)
columns = {code: header.index(name) for code, name in ORIGINS.items()}
stock = {}
for r in rows:
    if r and r[0].isdigit() and r[2].strip() in DESTINATIONS:
        for code, c in columns.items():
            stock[(code, r[0], r[2].strip())] = number(r[c])
out = csv.writer(sys.stdout, lineterminator="\n")
out.writerow(["series", "country_pair", "year", "value", "unit", "source"])
for code in ORIGINS:
    dests = [d for d in DESTINATIONS if d not in OWN_TERRITORY.get(code, set())]
    for year in ["1990", "2000", "2010", "2015", "2019"]:
        total = sum(stock.get((code, year, d), 0) for d in dests)
        out.writerow(["emigrants_in_labour_destinations", code, year, total,
                      "persons (mid-year, migrant stock by origin)",
                      SOURCE.format(dests="; ".join(dests))])
