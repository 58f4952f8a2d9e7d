using Escala.Storage;
using Escala.Storage.Conformance;

namespace Escala.Postgres.Tests;

/// <summary>The shared store suite against PostgreSQL, each test on its own fresh database.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresConformanceTests(PostgresServer server) : JobStoreConformance
{
    private readonly StoreScope _scope = new(server);
    private string? _connectionString;

    protected override async Task<IJobStore> CreateStoreAsync()
    {
        _connectionString = await _scope.NewMigratedDatabaseAsync();
        var store = _scope.Open(_connectionString);
        await store.MigrateAsync(CancellationToken.None);
        return store;
    }

    protected override Task<IJobStore> OpenAnotherNodeAsync() =>
        Task.FromResult<IJobStore>(_scope.Open(_connectionString ?? throw new InvalidOperationException("No database yet.")));

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await _scope.DisposeAsync();
    }
}
