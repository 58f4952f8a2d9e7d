using Escala.Governance;
using Escala.Jobs;
using Xunit;

namespace Escala.Storage.Conformance;

/// <summary>
/// The behaviour every <see cref="IJobStore"/> driver must show. A driver's test project derives from this class
/// and supplies <see cref="CreateStoreAsync"/>. Tests use an explicit clock (<see cref="T0"/>), never sleeps.
/// </summary>
public abstract partial class JobStoreConformance : IAsyncLifetime
{
    /// <summary>The fixed "now" of every test; later instants are offsets from it.</summary>
    protected static readonly DateTimeOffset T0 = new(2030, 1, 2, 3, 4, 5, 678, TimeSpan.Zero);

    /// <summary>The lease length used by the helpers.</summary>
    protected static readonly TimeSpan LeaseFor = TimeSpan.FromSeconds(30);

    private IJobStore? _store;

    /// <summary>The store under test: fresh, migrated and empty.</summary>
    protected IJobStore Store => _store ?? throw new InvalidOperationException("The store is not created yet.");

    /// <summary>No test cancels; a named token keeps calls readable.</summary>
    protected static CancellationToken Ct => CancellationToken.None;

    /// <summary>Creates a fresh, migrated, empty database and a store on it.</summary>
    protected abstract Task<IJobStore> CreateStoreAsync();

    /// <summary>
    /// A second node's store over the same database (disposed by the driver's test). A single-process driver
    /// returns <see cref="Store"/> itself: its "other node" is a change made straight in the store, which no
    /// engine signal announces.
    /// </summary>
    protected virtual Task<IJobStore> OpenAnotherNodeAsync() => Task.FromResult(Store);

    /// <inheritdoc/>
    public async Task InitializeAsync() => _store = await CreateStoreAsync();

    /// <inheritdoc/>
    public virtual async Task DisposeAsync()
    {
        if (_store is not null)
        {
            await _store.DisposeAsync();
        }
    }

    /// <summary>A valid new job with the given fields; runs now unless <paramref name="runAt"/> says otherwise.</summary>
    protected static NewJob NewJob(
        string queue = "default",
        string tenant = "t1",
        int priority = 0,
        DateTimeOffset? runAt = null,
        string? key = null,
        string[]? resources = null,
        int maxAttempts = 3,
        string kind = "noop") => new()
        {
            Tenant = tenant,
            Queue = queue,
            Kind = kind,
            Args = "{\"n\":1}",
            Priority = priority,
            MaxAttempts = maxAttempts,
            RunAt = runAt ?? T0,
            IdempotencyKey = key,
            Resources = resources ?? [],
        };

    /// <summary>Inserts the jobs at <see cref="T0"/> and returns them as stored.</summary>
    protected async Task<List<Job>> InsertAsync(params NewJob[] jobs)
    {
        var results = await Store.InsertAsync(jobs, T0, Ct);
        return results.Select(result => result.Job).ToList();
    }

    /// <summary>Inserts one job at <see cref="T0"/>.</summary>
    protected async Task<Job> InsertOneAsync(NewJob job) => (await InsertAsync(job))[0];

    /// <summary>Leases from <paramref name="queue"/> at <paramref name="now"/> (default <see cref="T0"/>).</summary>
    protected Task<IReadOnlyList<Job>> LeaseAsync(
        string queue = "default", int max = 10, DateTimeOffset? now = null, Admission? admission = null, string holder = "node-a",
        IReadOnlyList<string>? kinds = null) =>
        Store.LeaseAsync(
            new LeaseRequest
            {
                Queue = queue,
                Holder = holder,
                Max = max,
                Now = now ?? T0,
                LeaseFor = LeaseFor,
                Admission = admission ?? Admission.None,
                Kinds = kinds,
            },
            Ct);

    /// <summary>Inserts one job and leases it.</summary>
    protected async Task<Job> InsertAndLeaseAsync(NewJob? job = null)
    {
        var inserted = await InsertOneAsync(job ?? NewJob());
        var leased = await LeaseAsync(inserted.Queue, 1);
        Assert.Single(leased);
        return leased[0];
    }

    /// <summary>Reads a job back in tenant <c>t1</c>, failing when it is gone.</summary>
    protected async Task<Job> GetAsync(long id, string tenant = "t1") =>
        await Store.GetAsync(tenant, id, Ct) ?? throw new InvalidOperationException($"Job {id} not found.");

    /// <summary>Completes one lease with one outcome at <paramref name="now"/> (default <see cref="T0"/>).</summary>
    protected async Task<bool> CompleteAsync(LeaseRef lease, JobOutcome outcome, DateTimeOffset? now = null) =>
        (await Store.CompleteAsync([new Completion(lease, outcome)], now ?? T0, Ct))[0];

    /// <summary>A transient attempt error.</summary>
    protected static AttemptError Error(int attempt, string message = "boom") =>
        new(attempt, T0, message, FailureKinds.Transient);
}
