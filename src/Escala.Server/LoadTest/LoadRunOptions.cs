namespace Escala.Server.LoadTest;

/// <summary>How to run a scenario: against a running node or one the load tester starts.</summary>
public sealed record LoadRunOptions
{
    /// <summary>A running node's base URL (loopback only). Null: start a node in-process with the scenario's <c>server</c> settings.</summary>
    public Uri? Target { get; init; }

    /// <summary>The in-process node's store: a PostgreSQL connection string or SQLite directory. Defaults to a fresh temporary SQLite directory.</summary>
    public string? Store { get; init; }

    /// <summary>Called about once a second with the figures so far (live progress).</summary>
    public Action<LiveFigures>? Progress { get; init; }
}
