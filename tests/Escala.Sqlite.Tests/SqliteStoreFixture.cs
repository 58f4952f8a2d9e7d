using Escala.Jobs;

namespace Escala.Sqlite.Tests;

/// <summary>A migrated store in a temp directory for SQLite-only tests, plus a gate that holds the writer busy.</summary>
public abstract class SqliteStoreFixture : IAsyncLifetime
{
    internal static readonly DateTimeOffset T0 = new(2030, 1, 2, 3, 4, 5, TimeSpan.Zero);

    internal TempDataDirectory Directory { get; } = new();

    internal SqliteJobStore Store { get; set; } = null!;

    public async Task InitializeAsync() => Store = await OpenAsync();

    public async Task DisposeAsync()
    {
        await Store.DisposeAsync();
        Directory.Dispose();
    }

    internal async Task<SqliteJobStore> OpenAsync()
    {
        var store = new SqliteJobStore(Directory.Options);
        await store.MigrateAsync(CancellationToken.None);
        return store;
    }

    internal static NewJob Job(string kind = "noop") => new()
    {
        Tenant = "t1",
        Queue = "default",
        Kind = kind,
        Args = "{}",
        MaxAttempts = 3,
        RunAt = T0,
    };

    /// <summary>Queues a write that blocks the writer until the returned release is called; returns once it runs.</summary>
    internal async Task<Action> HoldWriterAsync()
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new ManualResetEventSlim();
        _ = Store.WriteAsync(_ =>
        {
            started.SetResult();
            release.Wait(TimeSpan.FromSeconds(30));
            return 0;
        }, CancellationToken.None);
        await started.Task.WaitAsync(TimeSpan.FromSeconds(10));
        return release.Set;
    }
}
