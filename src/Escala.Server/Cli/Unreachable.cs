using System.Net.Sockets;

namespace Escala.Server.Cli;

/// <summary>
/// The client commands' guard: a node that cannot be reached (not running, wrong URL, timed out) is one line
/// naming the URL, the cause and the fix, with exit code 2 — never an <see cref="HttpRequestException"/> trace.
/// </summary>
internal static class Unreachable
{
    public static async Task<int> GuardAsync(string url, Func<Task<int>> action)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            await Console.Error.WriteLineAsync($"--url '{url}' is not an http(s) URL. Fix: pass the node's address, e.g. --url http://127.0.0.1:8080.");
            return 2;
        }

        try
        {
            return await action();
        }
        catch (HttpRequestException ex)
        {
            await Console.Error.WriteLineAsync($"Cannot reach Escala at {url} ({Cause(ex)}). Fix: start it with `escala serve`, or point --url (or ESCALA_URL) at a running node.");
            return 2;
        }
        catch (TaskCanceledException ex) when (ex.InnerException is TimeoutException)
        {
            await Console.Error.WriteLineAsync($"Escala at {url} did not answer in time. Fix: check the node is healthy (GET /health/ready) and reachable from here.");
            return 2;
        }
    }

    private static string Cause(HttpRequestException ex) => ex.InnerException switch
    {
        SocketException { SocketErrorCode: SocketError.ConnectionRefused } => "connection refused: nothing listens there",
        SocketException { SocketErrorCode: SocketError.HostNotFound or SocketError.TryAgain or SocketError.NoData } => "unknown host",
        SocketException s => s.SocketErrorCode.ToString(),
        _ => ex.HttpRequestError.ToString(),
    };
}
