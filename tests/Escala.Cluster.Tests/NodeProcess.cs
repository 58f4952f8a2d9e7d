using System.Diagnostics;
using System.Globalization;

namespace Escala.Cluster.Tests;

/// <summary>
/// One Escala node as a child process: <c>dotnet escala.dll serve</c> on a loopback port, configured
/// with <c>ESCALA_</c> environment variables, its stdout and stderr appended to a log file. It can be
/// killed (SIGKILL), terminated (SIGTERM) and started again on the same port with the same settings.
/// Dispose kills whatever still runs.
/// </summary>
public sealed class NodeProcess : IAsyncDisposable
{
    private static readonly HttpClient Probe = new() { Timeout = TimeSpan.FromSeconds(5) };
    private readonly string _store;
    private readonly string _role;
    private readonly IReadOnlyDictionary<string, string> _settings;
    private readonly List<Process> _finished = [];
    private volatile Process? _process;

    private NodeProcess(string name, string store, string role, IReadOnlyDictionary<string, string> settings, int port, string logPath)
    {
        Name = name;
        _store = store;
        _role = role;
        _settings = settings;
        Port = port;
        LogPath = logPath;
    }

    /// <summary>The node's id in the cluster (<c>NodeId</c>); the same across restarts.</summary>
    public string Name { get; }

    /// <summary>The loopback port it listens on; the same across restarts.</summary>
    public int Port { get; }

    /// <summary><c>http://127.0.0.1:port</c>.</summary>
    public Uri BaseAddress => new($"http://127.0.0.1:{Port}");

    /// <summary>The file that collects the output of every run of this node.</summary>
    public string LogPath { get; }

    /// <summary>How many times the process was started.</summary>
    public int Starts { get; private set; }

    /// <summary>True while the current process runs.</summary>
    /// <remarks>Safe to call from other threads while the node restarts.</remarks>
    public bool IsRunning
    {
        get
        {
            try
            {
                return _process is { HasExited: false };
            }
            catch (InvalidOperationException)
            {
                return false;
            }
        }
    }

    /// <summary>
    /// Starts a node. <paramref name="settings"/> are configuration keys such as
    /// <c>Execution:LeaseDuration</c>, passed as <c>ESCALA_Execution__LeaseDuration</c>.
    /// </summary>
    public static NodeProcess Start(string name, string store, IReadOnlyDictionary<string, string> settings, string role = "all", int? port = null)
    {
        var logPath = Path.Combine(Path.GetTempPath(), $"escala-node-{name}-{Guid.NewGuid().ToString("N")[..8]}.log");
        var node = new NodeProcess(name, store, role, settings, port ?? Ports.Free(), logPath);
        node.StartProcess();
        return node;
    }

    /// <summary>Starts the process again after it was killed or terminated.</summary>
    public void Restart()
    {
        if (IsRunning)
        {
            throw new InvalidOperationException($"Node {Name} is still running.");
        }

        StartProcess();
    }

    /// <summary>Waits until <c>/health/ready</c> answers 200; throws with the log's tail when the process exits or time runs out.</summary>
    public async Task WaitReadyAsync(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (!IsRunning)
            {
                throw new InvalidOperationException($"Node {Name} exited with {_process?.ExitCode} before it was ready.\n{Tail()}");
            }

            if (await IsReadyAsync())
            {
                return;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"Node {Name} was not ready within {timeout}.\n{Tail()}");
    }

    /// <summary>True when <c>/health/ready</c> answers 200 now.</summary>
    public async Task<bool> IsReadyAsync()
    {
        try
        {
            using var response = await Probe.GetAsync(new Uri(BaseAddress, "/health/ready"));
            return response.IsSuccessStatusCode;
        }
        catch (HttpRequestException)
        {
            return false;
        }
        catch (TaskCanceledException)
        {
            return false;
        }
    }

    /// <summary>SIGKILL: the process dies at once, with its leases still held.</summary>
    public void Kill()
    {
        if (_process is { } process && !process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit(10_000);
        }
    }

    /// <summary>SIGTERM (<c>kill -TERM</c>) and waits for the exit; returns the exit code.</summary>
    public async Task<int> TerminateAsync(TimeSpan timeout)
    {
        var process = _process ?? throw new InvalidOperationException($"Node {Name} was never started.");
        if (!process.HasExited)
        {
            using (var kill = Process.Start("kill", ["-TERM", process.Id.ToString(CultureInfo.InvariantCulture)]))
            {
                await kill.WaitForExitAsync();
            }

            using var cts = new CancellationTokenSource(timeout);
            try
            {
                await process.WaitForExitAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"Node {Name} did not exit within {timeout} of SIGTERM.\n{Tail()}");
            }
        }

        return process.ExitCode;
    }

    /// <summary>The last lines of the node's log, for failure messages.</summary>
    public string Tail(int lines = 40)
    {
        try
        {
            using var stream = new FileStream(LogPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var reader = new StreamReader(stream);
            var all = reader.ReadToEnd().Split('\n');
            return $"--- {LogPath} (last {lines} lines) ---\n" + string.Join('\n', all.TakeLast(lines));
        }
        catch (IOException)
        {
            return $"--- {LogPath}: no log ---";
        }
    }

    /// <summary>Kills the process if it still runs.</summary>
    public ValueTask DisposeAsync()
    {
        try
        {
            Kill();
        }
        catch (InvalidOperationException)
        {
        }

        _process?.Dispose();
        foreach (var process in _finished)
        {
            process.Dispose();
        }

        return ValueTask.CompletedTask;
    }

    private void StartProcess()
    {
        // bash exec: the child's pid is the node's pid, and its output goes straight to the log file.
        var info = new ProcessStartInfo("bash") { UseShellExecute = false };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add("exec dotnet \"$0\" serve --urls \"$1\" --store \"$2\" --role \"$3\" >>\"$4\" 2>&1");
        info.ArgumentList.Add(Repository.ServerDll);
        info.ArgumentList.Add(BaseAddress.ToString().TrimEnd('/'));
        info.ArgumentList.Add(_store);
        info.ArgumentList.Add(_role);
        info.ArgumentList.Add(LogPath);
        info.WorkingDirectory = Path.GetTempPath();
        info.Environment["ESCALA_NodeId"] = Name;
        info.Environment["DOTNET_gcServer"] = "0";
        info.Environment["DOTNET_TieredPGO"] = "0";
        foreach (var (key, value) in _settings)
        {
            info.Environment["ESCALA_" + key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        // Earlier runs are disposed with the node, not now: other threads may still be asking them IsRunning.
        if (_process is { } previous)
        {
            _finished.Add(previous);
        }

        File.AppendAllText(LogPath, $"=== start {Starts + 1} of {Name} at {DateTime.UtcNow:O} ===\n");
        _process = Process.Start(info) ?? throw new InvalidOperationException("Could not start dotnet.");
        Starts++;
    }
}
