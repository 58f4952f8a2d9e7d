namespace Escala.Governance.Tests;

/// <summary>Polls a condition until it holds or a generous deadline passes (the machine may be loaded).</summary>
public static class Eventually
{
    public static async Task UntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Not within {timeout}: {what}");
            }

            await Task.Delay(50);
        }
    }
}
