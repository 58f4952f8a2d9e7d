using Npgsql;

namespace Escala.Cluster.Tests;

/// <summary>Reads the jobs table directly (Npgsql), to check what the nodes say against what is stored.</summary>
public sealed class JobsTable(string connectionString)
{
    /// <summary>Jobs by state among <paramref name="ids"/> (state names as the API writes them).</summary>
    public async Task<JobCounts> CountAsync(IReadOnlyCollection<long> ids)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var cmd = new NpgsqlCommand(
            """
            SELECT count(*) FILTER (WHERE state = 4),
                   count(*) FILTER (WHERE state = 6),
                   count(*),
                   coalesce(sum(attempt - 1) FILTER (WHERE attempt > 1), 0),
                   count(*) FILTER (WHERE attempt > 1)
            FROM escala.jobs WHERE id = ANY(@ids)
            """, connection);
        cmd.Parameters.AddWithValue("ids", ids.ToArray());
        await using var reader = await cmd.ExecuteReaderAsync();
        await reader.ReadAsync();
        return new JobCounts(ids.Count, (int)reader.GetInt64(2), (int)reader.GetInt64(0), (int)reader.GetInt64(1),
            (int)reader.GetInt64(3), (int)reader.GetInt64(4));
    }

    /// <summary>Like <see cref="CountAsync"/>, but null while the database cannot be reached.</summary>
    public async Task<JobCounts?> TryCountAsync(IReadOnlyCollection<long> ids)
    {
        try
        {
            return await CountAsync(ids);
        }
        catch (NpgsqlException)
        {
            return null;
        }
    }

    /// <summary>The node that holds the lease of each running job.</summary>
    public async Task<IReadOnlyList<(long Id, string LeasedBy)>> RunningAsync()
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var cmd = new NpgsqlCommand("SELECT id, leased_by FROM escala.jobs WHERE state = 2", connection);
        await using var reader = await cmd.ExecuteReaderAsync();
        var rows = new List<(long, string)>();
        while (await reader.ReadAsync())
        {
            rows.Add((reader.GetInt64(0), reader.GetString(1)));
        }

        return rows;
    }
}

/// <summary>What became of a set of acknowledged jobs.</summary>
/// <param name="Acknowledged">Ids asked about.</param>
/// <param name="Stored">Of those, rows found in the table.</param>
/// <param name="Completed">Of those, completed.</param>
/// <param name="Dead">Of those, dead.</param>
/// <param name="ReExecutions">Sum of attempt − 1 over the jobs: runs beyond the first.</param>
/// <param name="JobsRunMoreThanOnce">Jobs with more than one attempt.</param>
public sealed record JobCounts(int Acknowledged, int Stored, int Completed, int Dead, int ReExecutions, int JobsRunMoreThanOnce)
{
    /// <summary>Acknowledged jobs that are not in the table at all.</summary>
    public int Lost => Acknowledged - Stored;
}
