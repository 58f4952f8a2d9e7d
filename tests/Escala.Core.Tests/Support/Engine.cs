using Escala.Client;
using Escala.Configuration;
using Escala.Execution;
using Escala.Execution.Attempts;
using Escala.Governance;
using Escala.Jobs;
using Escala.Maintenance;
using Escala.Sqlite;
using Escala.Storage;
using Escala.Telemetry;
using Escala.Watching;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Escala.Core.Tests.Support;

/// <summary>
/// The engine of one node without a host: a real SQLite store in a temp directory, a <see cref="FakeTimeProvider"/>
/// that only moves when a test advances it, and the same parts the host wires (lifecycle, worker, maintenance).
/// </summary>
internal sealed class Engine : IAsyncDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "escala-engine-" + Guid.NewGuid().ToString("N"));

    private Engine(EscalaOptions options, IEnumerable<IJobHandler> handlers)
    {
        Time = new FakeTimeProvider(new DateTimeOffset(2030, 1, 2, 3, 4, 5, TimeSpan.Zero));
        Settings = SettingsBuilder.Build(options);
        Store = new SqliteJobStore(new SqliteStoreOptions { DataDirectory = _directory });
        Metrics = new EscalaMetrics();
        Governor = new ResourceGovernor(Settings, Store, Metrics, Time, NullLogger<ResourceGovernor>.Instance);
        Watcher = new JobWatcher(Store, Time, NullLogger<JobWatcher>.Instance);
        Kinds = new WorkerKinds(Store, Time, NullLogger<WorkerKinds>.Instance);
        Lifecycle = new AttemptLifecycle(Settings, Store, Governor, Metrics, Watcher, Kinds, Time, NullLogger<AttemptLifecycle>.Instance);
        Client = new JobClient(Store, Settings, Watcher, Metrics, Time);
        Worker = new EscalaWorker(Settings, Store, new HandlerRegistry(handlers), Governor, Client, Lifecycle, Kinds, Metrics, Time, NullLogger<EscalaWorker>.Instance);
        Maintenance = new MaintenanceService(Settings, Store, Lifecycle, Time, NullLogger<MaintenanceService>.Instance);
    }

    public FakeTimeProvider Time { get; }

    public EscalaSettings Settings { get; }

    public SqliteJobStore Store { get; }

    public EscalaMetrics Metrics { get; }

    public ResourceGovernor Governor { get; }

    public JobWatcher Watcher { get; }

    public WorkerKinds Kinds { get; }

    public AttemptLifecycle Lifecycle { get; }

    public JobClient Client { get; }

    public EscalaWorker Worker { get; }

    public MaintenanceService Maintenance { get; }

    /// <summary>A migrated engine; its worker is not started (call <see cref="EscalaWorker.StartAsync"/>).</summary>
    public static async Task<Engine> CreateAsync(Action<EscalaOptions>? configure = null, params IJobHandler[] handlers)
    {
        var options = new EscalaOptions { NodeId = "engine-test" };
        options.Execution.ShutdownGrace = "0s";
        configure?.Invoke(options);
        var engine = new Engine(options, handlers);
        await engine.Store.MigrateAsync(CancellationToken.None);
        return engine;
    }

    public async Task<Job> SubmitAsync(JobRequest request) => (await Client.SubmitAsync("t1", request, CancellationToken.None)).Job;

    public async Task<Job> GetAsync(long id) =>
        await Store.GetAsync("t1", id, CancellationToken.None) ?? throw new InvalidOperationException($"Job {id} is gone.");

    /// <summary>Polls the job in real time (the fake clock stands still) until <paramref name="done"/>, for at most 30 s.</summary>
    public async Task<Job> WaitForAsync(long id, Func<Job, bool> done, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var job = await GetAsync(id);
            if (done(job))
            {
                return job;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Timed out waiting for {what}; job is {job.State}, attempt {job.Attempt}.");
            }

            await Task.Delay(10);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Worker.StopAsync(CancellationToken.None);
        await Worker.DisposeAsync();
        await Watcher.DisposeAsync();
        await Store.DisposeAsync();
        Metrics.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }
}
