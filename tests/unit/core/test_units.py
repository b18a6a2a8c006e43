import pytest

from chiplib.core import units


@pytest.mark.parametrize(
    ("value", "unit", "canonical", "expected"),
    [
        (3.35, "TB/s", "GB/s", 3350.0),          # H100 SXM bandwidth as NVIDIA prints it
        (3350, "GB/s", "GB/s", 3350.0),
        (1, "PFLOPS", "TFLOPS", 1000.0),
        (2.5, "PFLOPS", "TFLOPS", 2500.0),
        (296, "TOPS", "TOPS", 296.0),
        (1, "TFLOPS", "TOPS", 1.0),              # "INT8 TFLOPS" is read as operations per second
        (814, "mm²", "mm^2", 814.0),
        (8.14, "cm^2", "mm^2", 814.0),
        (96, "GiB", "GB", 103.079215104),        # binary gigabytes are 7.4 % larger
        (80, "billion", "dimensionless", 80e9),
        (50, "thousand * wafer / month", "wafer/month", 50000.0),
        (7, "nm", "nm", 7.0),
        (1.2, "kW", "W", 1200.0),
        (4.992e15, "bit*OP/s", "TPP", 4992.0),  # Epoch's A100 TPP column -> BIS TPP units
        (1, "TPP", "bit * TOPS", 1.0),
    ],
)
def test_convert_reference_values(value, unit, canonical, expected):
    """Published figures in any common unit land on the same canonical number."""
    assert units.convert(value, unit, canonical) == pytest.approx(expected, rel=1e-12)


def test_tb_per_second_equals_gb_per_second_exactly():
    """'3.35 TB/s' and '3350 GB/s' are the same value, without float noise."""
    assert units.convert(3.35, "TB/s", "GB/s") == units.convert(3350, "GB/s", "GB/s") == 3350.0


@pytest.mark.parametrize(
    ("unit", "canonical", "message"),
    [
        ("GB", "GB/s", "cannot be converted"),
        ("TFLOPS", "W", "cannot be converted"),
        ("wafer/month", "GB/s", "cannot be converted"),
        ("teraflips", "TFLOPS", "unknown unit"),
        ("GB/", "GB/s", "could not be parsed"),
    ],
)
def test_bad_units_raise_unit_error(unit, canonical, message):
    with pytest.raises(units.UnitError, match=message):
        units.factor(unit, canonical)


def test_the_registry_survives_a_half_written_pint_cache(tmp_path, monkeypatch):
    """pint writes its definitions cache in place: a process that finds it truncated (another process writing it)
    removes it and builds the registry without it, converting as before."""
    monkeypatch.setenv("CHIPLIB_CACHE", str(tmp_path))
    units.registry.cache_clear()
    try:
        units.registry()
        cached = sorted((tmp_path / "pint").glob("*.pickle"))
        assert cached, "the first registry writes pint's cache"
        cached[0].write_bytes(cached[0].read_bytes()[:100])
        units.registry.cache_clear()
        ureg = units.registry()
        assert ureg.Quantity(1, "TPP").to("bit * TOPS").magnitude == pytest.approx(1.0)
        assert not cached[0].exists()
    finally:
        units.registry.cache_clear()


def test_factors_are_kept_in_the_cache_folder_and_read_back(tmp_path, monkeypatch):
    """A factor pint worked out once is read from the cache folder by later processes (which then need not import
    pint); a unit pint does not know is never kept."""
    import json

    monkeypatch.setenv("CHIPLIB_CACHE", str(tmp_path))
    units._known_factors.cache_clear()
    units.factor.cache_clear()
    try:
        assert units.factor("TB/s", "GB/s") == pytest.approx(1000)
        with pytest.raises(units.UnitError):
            units.factor("furlongs", "GB/s")
        [kept] = (tmp_path / "units").glob("factors-*.json")
        assert json.loads(kept.read_text()) == {"TB/s\tGB/s": units.factor("TB/s", "GB/s")}
        kept.write_text(json.dumps({"TB/s\tGB/s": 999.0}))  # as a later process finds it
        units._known_factors.cache_clear()
        units.factor.cache_clear()
        assert units.factor("TB/s", "GB/s") == 999.0
    finally:
        units._known_factors.cache_clear()
        units.factor.cache_clear()
