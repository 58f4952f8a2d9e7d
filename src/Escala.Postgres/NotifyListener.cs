using Npgsql;

namespace Escala.Postgres;

/// <summary>
/// Wake-ups for one store instance. Changes made through this instance are handed to its subscribers at
/// once (<see cref="Publish"/>); changes made by other nodes arrive through one dedicated connection that
/// LISTENs on the store's channel while anyone is subscribed. A payload is <c>origin:queue</c>, where the
/// origin (<see cref="Origin"/>) lets an instance skip its own notifications. After a failure the listening
/// connection waits a moment and reconnects; wake-ups sent meanwhile are lost, which callers tolerate by
/// polling slowly.
/// </summary>
internal sealed class NotifyListener : IAsyncDisposable
{
    private static readonly TimeSpan IdleCheck = TimeSpan.FromSeconds(15);

    private readonly NpgsqlDataSource _dataSource;
    private readonly string _channel;
    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _stop = new();
    private Action<string>[] _subscribers = [];
    private Task? _loop;

    public NotifyListener(NpgsqlDataSource dataSource, string channel)
    {
        _dataSource = dataSource;
        _channel = channel;
    }

    /// <summary>The prefix of this instance's payloads: 32 hex digits and a colon.</summary>
    public string Origin { get; } = Guid.NewGuid().ToString("N") + ":";

    /// <summary>Set once the connection listens; tests await it before they notify.</summary>
    internal TaskCompletionSource Listening { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public IDisposable Subscribe(Action<string> onQueue)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_stop.IsCancellationRequested, this);
            _subscribers = [.. _subscribers, onQueue];
            _loop ??= Task.Run(() => ListenLoopAsync(_stop.Token));
        }

        return new Subscription(this, onQueue);
    }

    public async ValueTask DisposeAsync()
    {
        Task? loop;
        lock (_gate)
        {
            _stop.Cancel();
            loop = _loop;
        }

        if (loop is not null)
        {
            await loop;
        }

        _stop.Dispose();
    }

    private void Unsubscribe(Action<string> onQueue)
    {
        lock (_gate)
        {
            _subscribers = [.. _subscribers.Where(s => s != onQueue)];
        }
    }

    private async Task ListenLoopAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await using var connection = await _dataSource.OpenConnectionAsync(stop);
                connection.Notification += (_, e) => OnNotification(e.Payload);
                await using (var listen = new NpgsqlCommand($"LISTEN {_channel}", connection))
                {
                    await listen.ExecuteNonQueryAsync(stop);
                }

                Listening.TrySetResult();
                while (!stop.IsCancellationRequested)
                {
                    if (!await connection.WaitAsync(IdleCheck, stop))
                    {
                        // Nothing for a while: make sure the connection is still alive.
                        await using var ping = new NpgsqlCommand("SELECT 1", connection);
                        await ping.ExecuteScalarAsync(stop);
                    }
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception)
            {
                try
                {
                    await Task.Delay(PostgresStoreDefaults.ListenRetry, stop);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    /// <summary>Wakes this instance's subscribers for queues it changed itself (other nodes hear the NOTIFY).</summary>
    public void Publish(IEnumerable<string> queues)
    {
        foreach (var queue in queues)
        {
            Dispatch(queue);
        }
    }

    private void OnNotification(string payload)
    {
        var hasOrigin = payload.Length > Origin.Length && payload[Origin.Length - 1] == ':';
        if (hasOrigin && payload.StartsWith(Origin, StringComparison.Ordinal))
        {
            return;
        }

        Dispatch(hasOrigin ? payload[Origin.Length..] : payload);
    }

    private void Dispatch(string queue)
    {
        foreach (var subscriber in _subscribers)
        {
            try
            {
                subscriber(queue);
            }
            catch (Exception)
            {
                // A subscriber's failure must not stop the wake-ups of the others.
            }
        }
    }

    private sealed class Subscription(NotifyListener owner, Action<string> onQueue) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                owner.Unsubscribe(onQueue);
            }
        }
    }
}
