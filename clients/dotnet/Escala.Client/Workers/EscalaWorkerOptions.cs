namespace Escala.Client.Workers;

/// <summary>How an external worker host leases and runs jobs; bound by <c>services.AddEscalaWorker(...)</c>.</summary>
public sealed class EscalaWorkerOptions
{
    /// <summary>Queues to lease from (declared <c>"external": true</c> on the server). Defaults to <c>default</c>.</summary>
    public IList<string> Queues { get; } = [];

    /// <summary>Most jobs this process runs at once. Defaults to 4.</summary>
    public int Concurrency { get; set; } = 4;

    /// <summary>This worker's name in leases. Defaults to <c>dotnet-{host}-{pid}</c>.</summary>
    public string Name { get; set; } = $"dotnet-{Environment.MachineName}-{Environment.ProcessId}";

    /// <summary>How long one lease call long-polls for work. Defaults to 10 s.</summary>
    public TimeSpan LeaseWait { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>On shutdown, how long running handlers may finish before their jobs are handed back. Defaults to 10 s.</summary>
    public TimeSpan ShutdownGrace { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How often leases are extended. Defaults to the server's <c>heartbeatInterval</c>.</summary>
    public TimeSpan? HeartbeatInterval { get; set; }
}
