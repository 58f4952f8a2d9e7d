namespace Escala.Server.Tests.Support;

/// <summary>Bounded polling: await a condition observed through the API, never a fixed sleep.</summary>
internal static class Eventually
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(15);

    /// <summary>Polls <paramref name="probe"/> until it returns a value accepted by <paramref name="done"/>; fails with the last value on timeout.</summary>
    public static async Task<T> UntilAsync<T>(Func<Task<T>> probe, Func<T, bool> done, string what, TimeSpan? timeout = null, TimeSpan? interval = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? DefaultTimeout);
        var wait = interval ?? TimeSpan.FromMilliseconds(25);
        while (true)
        {
            var value = await probe();
            if (done(value))
            {
                return value;
            }

            if (DateTime.UtcNow >= deadline)
            {
                throw new TimeoutException($"Timed out waiting for {what}; last seen: {value}");
            }

            await Task.Delay(wait);
            wait = TimeSpan.FromMilliseconds(Math.Min(wait.TotalMilliseconds * 2, 200));
        }
    }

    /// <summary>Awaits a task with a bound, failing the test with <paramref name="what"/> when it does not finish.</summary>
    public static async Task<T> WithinAsync<T>(Task<T> task, string what, TimeSpan? timeout = null)
    {
        try
        {
            return await task.WaitAsync(timeout ?? DefaultTimeout);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"Timed out waiting for {what}.");
        }
    }

    public static async Task WithinAsync(Task task, string what, TimeSpan? timeout = null)
    {
        try
        {
            await task.WaitAsync(timeout ?? DefaultTimeout);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"Timed out waiting for {what}.");
        }
    }
}
