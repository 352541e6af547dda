"""Reliability cases not covered by the per-module test files: data directory layout, events
calendars that clash, models given bad frames, and byte-identical reproducibility of tables.

Every test here is listed in docs/reliability.md (checked by tests/test_reliability_catalogue.py).
"""

from __future__ import annotations

import pickle

import numpy as np
import pandas as pd
import pytest

import crossingcast as cc
from crossingcast import events
from crossingcast.errors import CrossingcastError, DataError, EventsError, FrameError, ModelError, NotFittedError
from crossingcast.frame import future_frame
from crossingcast.models import load_forecaster, make_forecaster
from crossingcast.models.base import Forecast
from crossingcast.report import write_table

CHEAP = ("seasonal_naive", "climatology", "hurdle", "gbm")
ALL = CHEAP + ("sarimax",)


@pytest.fixture(scope="module")
def train(frame):
    return frame.loc["2022-01-01":"2024-05-31"]


@pytest.fixture(scope="module")
def fitted(train):
    return {name: make_forecaster(name, n_paths=200, random_state=0).fit(train) for name in CHEAP}


# ---------------------------------------------------------------- data directory layout
def test_data_dir_without_homeoffice_folder(tmp_path):
    with pytest.raises(DataError, match="no .ods release"):
        cc.load_counts(tmp_path)


def test_data_dir_missing(tmp_path):
    with pytest.raises(DataError, match="no such file or directory"):
        cc.load_counts(tmp_path / "nowhere")


def test_homeoffice_folder_with_no_ods(tmp_path):
    (tmp_path / "homeoffice").mkdir()
    (tmp_path / "homeoffice" / "notes.txt").write_text("not a release")
    with pytest.raises(DataError, match=r"homeoffice.*no \.ods release"):
        cc.load_counts(tmp_path)


# ---------------------------------------------------------------- events calendars
def test_events_duplicated_names_in_one_file(tmp_path):
    p = tmp_path / "ev.csv"
    p.write_text("name,start,end,category\nclash,2025-06-01,2025-06-05,event\nclash,2025-07-01,,event\n")
    with pytest.raises(EventsError, match=r"ev\.csv.*duplicated event name.*clash"):
        events.read_calendar(p)


def test_events_user_name_overlapping_builtin(tmp_path):
    builtin = events.default_calendar()
    name = builtin["name"].iloc[0]
    p = tmp_path / "mine.csv"
    p.write_text(f"name,start,end,category,intensity\n{name},2030-01-01,2030-01-02,event,0.5\n")
    mine = events.read_calendar(p)
    with pytest.raises(EventsError, match=f"duplicated event name.*{name}"):
        events.combine(builtin, mine)
    merged = events.combine(builtin, mine, replace=True)  # documented repair: the user's row wins
    row = merged.set_index("name").loc[name]
    assert row["intensity"] == 0.5 and pd.Timestamp(row["start"]) == pd.Timestamp("2030-01-01")
    assert len(merged) == len(builtin)


def test_events_yaml_not_a_list(tmp_path):
    p = tmp_path / "ev.yaml"
    p.write_text("just a string\n")
    with pytest.raises(EventsError, match="expected a list of events"):
        events.read_calendar(p)


def test_events_unsupported_file_type(tmp_path):
    p = tmp_path / "ev.xlsx"
    p.write_bytes(b"PK\x03\x04")
    with pytest.raises(EventsError, match="unsupported events file type"):
        events.read_calendar(p)


# ---------------------------------------------------------------- frames handed to models
def test_future_frame_empty_period(frame):
    with pytest.raises(FrameError, match="empty period"):
        future_frame(frame, "2024-06-10", "2024-06-01")


@pytest.mark.parametrize("name", ALL)
def test_model_predict_before_fit(name, frame):
    fut = future_frame(frame.loc[:"2024-05-31"], "2024-06-01", "2024-06-07")
    with pytest.raises(NotFittedError, match="not fitted"):
        make_forecaster(name).predict(fut)


@pytest.mark.parametrize("name", ("hurdle", "gbm"))
def test_model_future_lacking_feature_column(name, fitted, train):
    fut = future_frame(train, "2024-06-01", "2024-06-14").drop(columns=["holiday_uk"])
    with pytest.raises(ModelError, match="holiday_uk"):
        fitted[name].predict(fut)


@pytest.mark.parametrize("name", CHEAP)
def test_model_future_overlapping_training(name, fitted, train):
    fut = future_frame(train, "2024-05-20", "2024-06-14")
    with pytest.raises(ModelError, match="2024-05-20|after the last training date|strictly after"):
        fitted[name].predict(fut)


@pytest.mark.parametrize("name", CHEAP)
def test_model_fit_on_negative_or_missing_target(name, train):
    bad = train.copy()
    bad.loc["2023-07-04", "migrants"] = -5
    with pytest.raises(ModelError, match="migrants|target"):
        make_forecaster(name).fit(bad)


def test_load_forecaster_rejects_other_pickles(tmp_path):
    p = tmp_path / "model.pkl"
    p.write_bytes(pickle.dumps({"not": "a model"}))
    with pytest.raises(ModelError, match="does not hold a crossingcast forecaster"):
        load_forecaster(p)


def test_forecast_with_non_finite_mean_names_the_date():
    idx = pd.date_range("2024-06-01", periods=3, name="date")
    with pytest.raises(ModelError, match="2024-06-02"):
        Forecast(mean=pd.Series([1.0, np.nan, 2.0], index=idx), quantiles=pd.DataFrame(index=idx), paths=None)


def test_write_table_unknown_extension(tmp_path):
    with pytest.raises(CrossingcastError, match=r"unknown table extension '\.xlsx'"):
        write_table(pd.DataFrame({"a": [1]}), tmp_path / "t.xlsx")


# ---------------------------------------------------------------- reproducibility
@pytest.mark.parametrize("name", ALL)
def test_same_data_and_seed_give_byte_identical_tables(name, train, tmp_path):
    fut = future_frame(train, "2024-06-01", "2024-07-31")

    def table(seed, out):
        fc = make_forecaster(name, n_paths=200, random_state=seed).fit(train).predict(fut)
        t = fc.to_frame()
        tot = fc.total()
        t.attrs = {}
        write_table(t, out)
        return out.read_bytes(), float(tot["p90"])

    a, _ = table(0, tmp_path / "a.csv")
    b, _ = table(0, tmp_path / "b.csv")
    assert a == b
    if name in ("hurdle", "gbm", "sarimax"):  # the seed matters where paths are simulated
        c, _ = table(1, tmp_path / "c.csv")
        assert c != a
