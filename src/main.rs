fn main() -> std::process::ExitCode {
    monostat::cli::main()
}
