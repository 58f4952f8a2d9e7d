using Escala.Storage;
using Escala.Storage.Conformance;

namespace Escala.Sqlite.Tests;

/// <summary>The shared store suite against SQLite, each test in its own temp directory.</summary>
public sealed class SqliteConformanceTests : JobStoreConformance
{
    private readonly TempDataDirectory _directory = new();

    protected override async Task<IJobStore> CreateStoreAsync()
    {
        var store = new SqliteJobStore(_directory.Options);
        await store.MigrateAsync(CancellationToken.None);
        return store;
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        _directory.Dispose();
    }
}
