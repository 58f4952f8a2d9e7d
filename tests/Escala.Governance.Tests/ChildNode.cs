using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Escala.Governance.Tests;

/// <summary>An Escala node in its own process (<c>escala serve</c>), so a test can kill it with SIGKILL.</summary>
public sealed class ChildNode : IDisposable
{
    private readonly Process _process;

    private ChildNode(Process process, string url)
    {
        _process = process;
        Http = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromSeconds(30) };
    }

    public HttpClient Http { get; }

    /// <summary>Starts the node and waits until <c>/health/ready</c> answers.</summary>
    /// <param name="settings">Root-level keys, passed as <c>ESCALA_</c> environment variables.</param>
    public static async Task<ChildNode> StartAsync(string store, IReadOnlyDictionary<string, string?> settings)
    {
        var port = FreePort();
        var url = $"http://127.0.0.1:{port}";
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(ServerDll());
        info.ArgumentList.Add("serve");
        info.ArgumentList.Add("--store");
        info.ArgumentList.Add(store);
        info.ArgumentList.Add("--urls");
        info.ArgumentList.Add(url);
        info.Environment["ESCALA_Logging__LogLevel__Default"] = "Warning";
        info.Environment["ESCALA_Security__Egress__Allow__0"] = "127.0.0.1"; // the fake dependency is on loopback
        foreach (var (key, value) in settings)
        {
            info.Environment["ESCALA_" + key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        var process = Process.Start(info)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var node = new ChildNode(process, url);
        await Eventually.UntilAsync(async () =>
        {
            Assert.False(process.HasExited, "the child node exited");
            try
            {
                using var response = await node.Http.GetAsync("/health/ready");
                return response.IsSuccessStatusCode;
            }
            catch (HttpRequestException)
            {
                return false;
            }
        }, TimeSpan.FromSeconds(60), "child node ready");
        return node;
    }

    /// <summary>SIGKILL: no shutdown, no hand-back; its leases stay until they expire.</summary>
    public void Kill()
    {
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit(10_000);
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            Kill();
        }

        _process.Dispose();
        Http.Dispose();
    }

    private static string ServerDll()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Escala.slnx")))
            {
                var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";
                return Path.Combine(dir.FullName, "src", "Escala.Server", "bin", configuration, "net10.0", "escala.dll");
            }
        }

        throw new InvalidOperationException("Cannot find the repository root (Escala.slnx).");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
