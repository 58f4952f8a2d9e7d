namespace Escala.Configuration;

/// <summary>Defaults of <see cref="ExecutionOptions"/>.</summary>
public static class ExecutionDefaults
{
    public static readonly TimeSpan LeaseDuration = TimeSpan.FromSeconds(30);

    /// <summary>The heartbeat interval defaults to the lease divided by this.</summary>
    public const int HeartbeatsPerLease = 3;
    public static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan ShutdownGrace = TimeSpan.FromSeconds(10);
    public static readonly TimeSpan DrainDelay = TimeSpan.Zero;
}
