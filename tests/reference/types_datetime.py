"""Dates, times and durations in every position: the FastAPI side of
tests/tests/types_datetime.rs.

Each chrono type is served under its own prefix, with the pydantic type it stands for:

* `/aware`: `DateTime<FixedOffset>` is pydantic's `AwareDatetime`;
* `/utc`: `DateTime<Utc>` is an `AwareDatetime` converted to UTC;
* `/naive`: `NaiveDateTime` is pydantic's `NaiveDatetime`;
* `/date`: `NaiveDate` is `date`;
* `/time`: `NaiveTime` is `time` with `tz_constraint="naive"` (pydantic-core's own constraint);
* `/delta`: `TimeDelta` is `timedelta`.
"""

from datetime import date, time, timedelta, timezone
from typing import Annotated, Any, Optional

from fastapi import Body, Cookie, FastAPI, Form, Header, Query
from pydantic import AfterValidator, AwareDatetime, BaseModel, NaiveDatetime, create_model
from pydantic_core import core_schema

app = FastAPI()


class _NaiveTime:
    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: Any) -> Any:
        return core_schema.time_schema(tz_constraint="naive")


UtcDatetime = Annotated[AwareDatetime, AfterValidator(lambda d: d.astimezone(timezone.utc))]
NaiveTime = Annotated[time, _NaiveTime]


class AwareThing(BaseModel):
    at: AwareDatetime
    maybe: Optional[AwareDatetime] = None


class UtcThing(BaseModel):
    at: UtcDatetime
    maybe: Optional[UtcDatetime] = None


class NaiveThing(BaseModel):
    at: NaiveDatetime
    maybe: Optional[NaiveDatetime] = None


class DateThing(BaseModel):
    at: date
    maybe: Optional[date] = None


class TimeThing(BaseModel):
    at: NaiveTime
    maybe: Optional[NaiveTime] = None


class DeltaThing(BaseModel):
    at: timedelta
    maybe: Optional[timedelta] = None


def routes(prefix: str, T: Any, Thing: type[BaseModel]) -> None:
    # The answers are models, serialised by pydantic (a dict returned as it is would go through
    # FastAPI's `jsonable_encoder`: `isoformat()`, and a timedelta as float seconds).
    name = Thing.__name__.removesuffix("Thing")
    Echo = create_model(f"{name}Echo", value=(T, ...))
    EchoList = create_model(f"{name}EchoList", value=(list[T], ...))

    @app.get(f"/{prefix}/path/{{value}}", response_model=Echo)
    def in_path(value: T):
        return {"value": value}

    @app.get(f"/{prefix}/query", response_model=Echo)
    def in_query(value: T):
        return {"value": value}

    @app.get(f"/{prefix}/query-list", response_model=EchoList)
    def in_query_list(value: Annotated[list[T], Query()] = []):
        return {"value": value}

    @app.get(f"/{prefix}/header", response_model=Echo)
    def in_header(x_value: Annotated[T, Header()]):
        return {"value": x_value}

    @app.get(f"/{prefix}/cookie", response_model=Echo)
    def in_cookie(value: Annotated[T, Cookie()]):
        return {"value": value}

    @app.post(f"/{prefix}/form", response_model=Echo)
    def in_form(value: Annotated[T, Form()]):
        return {"value": value}

    @app.post(f"/{prefix}/body", response_model=Thing)
    def in_body(thing: Thing):
        return thing

    @app.post(f"/{prefix}/embed", response_model=Echo)
    def embedded(value: Annotated[T, Body(embed=True)]):
        return {"value": value}

    @app.get(f"/{prefix}/response", response_model=Thing)
    def response(value: str):
        return {"at": value}


routes("aware", AwareDatetime, AwareThing)
routes("utc", UtcDatetime, UtcThing)
routes("naive", NaiveDatetime, NaiveThing)
routes("date", date, DateThing)
routes("time", NaiveTime, TimeThing)
routes("delta", timedelta, DeltaThing)
