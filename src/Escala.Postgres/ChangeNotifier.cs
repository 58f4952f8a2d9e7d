using Npgsql;

namespace Escala.Postgres;

/// <summary>
/// Tells other nodes' job watchers that jobs changed, without putting a NOTIFY in every completion transaction
/// (a NOTIFY serializes commits on the server's notification queue): changes are marked, and one NOTIFY goes
/// out at most every <see cref="Interval"/>, after the changes it covers have committed. Watchers re-read their
/// jobs on it; a lost one is covered by their slow poll.
/// </summary>
internal sealed class ChangeNotifier(NpgsqlDataSource dataSource, string channel, string payload) : IDisposable
{
    /// <summary>Longest delay a watcher on another node sees beyond the commit (100 ms); at most ten NOTIFYs a second per node.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(100);

    private readonly CancellationTokenSource _stop = new();
    private int _scheduled;

    /// <summary>Jobs changed (committed): a NOTIFY follows within <see cref="Interval"/>.</summary>
    public void Mark()
    {
        if (Interlocked.Exchange(ref _scheduled, 1) == 0)
        {
            _ = SendSoonAsync();
        }
    }

    private async Task SendSoonAsync()
    {
        try
        {
            await Task.Delay(Interval, _stop.Token);

            // Changes marked from here on schedule the next NOTIFY; this one covers everything before.
            Volatile.Write(ref _scheduled, 0);
            await using var cmd = dataSource.CreateCommand("SELECT pg_notify(@channel, @payload)");
            cmd.Parameters.AddWithValue("channel", channel);
            cmd.Parameters.AddWithValue("payload", payload);
            await cmd.ExecuteNonQueryAsync(_stop.Token);
        }
        catch (Exception)
        {
            // Stopping, or the database is away: watchers fall back to their poll.
            Volatile.Write(ref _scheduled, 0);
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _stop.Dispose();
    }
}
