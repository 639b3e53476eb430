"""Regenerates tests/py/strnum_corpus.json: pydantic 2.13's answers for decimals, URLs,
e-mail addresses and IP addresses (validated in Python mode from JSON values, as FastAPI
validates), replayed by tests/types_strnum.rs. Run from this directory:

    python3 strnum_cases.py > strnum_corpus.json
"""

import json
from decimal import Decimal
from ipaddress import IPv4Address, IPv6Address
from typing import Annotated

from fastapi.encoders import jsonable_encoder
from pydantic import AnyUrl, EmailStr, Field, HttpUrl, IPvAnyAddress, NameEmail, TypeAdapter, ValidationError

TYPES = {
    "Decimal": Decimal,
    "Decimal(max_digits=4,decimal_places=2)": Annotated[Decimal, Field(max_digits=4, decimal_places=2)],
    "Decimal(max_digits=3)": Annotated[Decimal, Field(max_digits=3)],
    "Decimal(decimal_places=1)": Annotated[Decimal, Field(decimal_places=1)],
    "Decimal(gt=1,le=100)": Annotated[Decimal, Field(gt=1, le=100)],
    "Decimal(ge=1.5,lt=2.5)": Annotated[Decimal, Field(ge=1.5, lt=2.5)],
    "Decimal(multiple_of=0.25)": Annotated[Decimal, Field(multiple_of=0.25)],
    "AnyUrl": AnyUrl,
    "HttpUrl": HttpUrl,
    "EmailStr": EmailStr,
    "NameEmail": NameEmail,
    "IPvAnyAddress": IPvAnyAddress,
    "IPv4Address": IPv4Address,
    "IPv6Address": IPv6Address,
}

DECIMALS = ["1.50", " 1.5 ", "1e3", "1E-7", "1_000", "-0", ".5", "1.", "00012.300", "0E-5",
            "12.34", "123.4", "1.234", "12345", "0.001", "100.0", "1.0", "2.5", "2", "1",
            "0.75", "0.3", "abc", "", "NaN", "-inf", "1.2.3", "1e", "+-1",
            1, 3, -7, 1.5, 0.1, 100.0, 2.5, True, None, [], {}]
URLS = ["http://EXAMPLE.com", "https://example.com:443/a/../b?q=1 2#f", "ftp://x.com",
        "mailto:a@b.c", "foo", "", "http://", "http://ex.com:99999", "http://999.1.1.1",
        "http://exa mple.com", " http://a.com ", "http://münchen.de", "//a.com",
        "http://a.com/" + "x" * 2070, "http://a.com/" + "x" * 2071, 123, None]
EMAILS = ["jd@example.com", "JD@EXAMPLE.COM", "John Doe <jd@example.com>", "jd@Bücher.de",
          "jd@xn--bcher-kva.de", "info@example.com", "jd", "", "@example.com", "jd@",
          "jd@example", "j d@example.com", "jd.@example.com", ".jd@example.com",
          "j..d@example.com", "jd@-example.com", "jd@example.com.", "\"j d\"@example.com",
          "jd@[1.2.3.4]", "jd@1.2.3.4", "a@b.test", "jd@exa_mple.com", "jd(x)@example.com",
          "jd@" + "a" * 64 + ".com", "x" * 250 + "@example.com", 123, None]
IPS = ["1.2.3.4", "::1", "::FFFF:1.2.3.4", "2001:DB8:0:0:0:0:0:1", "1:0:0:2:0:0:3:4",
       "01.2.3.4", "256.1.1.1", " 1.2.3.4", "", "abc", 0, 16909060, 4294967296, -1, 1.5,
       True, None]

INPUTS = {
    "Decimal": DECIMALS,
    "AnyUrl": URLS, "HttpUrl": URLS,
    "EmailStr": EMAILS, "NameEmail": EMAILS,
    "IPvAnyAddress": IPS, "IPv4Address": IPS, "IPv6Address": IPS,
}

cases = []
for name, annotation in TYPES.items():
    ta = TypeAdapter(annotation)
    for value in INPUTS[name.split("(")[0]]:
        try:
            out = ta.validate_python(value)
            dumped = json.loads(ta.dump_json(out))
            if name == "NameEmail":
                dumped = str(out)
            cases.append({"type": name, "input": value, "ok": dumped})
        except ValidationError as e:
            cases.append({"type": name, "input": value,
                          "errors": jsonable_encoder(e.errors(include_url=False))})
print(json.dumps(cases, indent=0, ensure_ascii=False))
