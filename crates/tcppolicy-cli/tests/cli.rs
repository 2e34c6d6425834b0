//! Data-driven CLI tests: every `tests/cmd/*.toml` at the repository root is a command
//! line with its expected output and exit status. Refresh expectations after an intended
//! change with `TRYCMD=overwrite cargo test -p tcppolicy-cli --test cli`.

#[test]
fn cli_cases() {
    trycmd::TestCases::new()
        .default_bin_name("tcppolicy")
        .env("NO_COLOR", "1")
        .case("../../tests/cmd/*.toml");
}
