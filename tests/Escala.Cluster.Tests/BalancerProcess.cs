using System.Diagnostics;

namespace Escala.Cluster.Tests;

/// <summary>haproxy or nginx as a child process, its output appended to a log file; killed with its children on dispose.</summary>
public sealed class BalancerProcess : IAsyncDisposable
{
    private static readonly string[] SearchPath = ["/usr/sbin", "/usr/bin", "/usr/local/sbin", "/usr/local/bin", "/sbin"];
    private readonly Process _process;

    private BalancerProcess(Process process, string logPath)
    {
        _process = process;
        LogPath = logPath;
    }

    /// <summary>The file with the balancer's output.</summary>
    public string LogPath { get; }

    /// <summary>True while the balancer runs.</summary>
    public bool IsRunning => !_process.HasExited;

    /// <summary>Finds an executable on the usual paths, or null.</summary>
    public static string? Find(string name) =>
        SearchPath
            .Select(dir => Path.Combine(dir, name))
            .FirstOrDefault(File.Exists);

    /// <summary>
    /// Makes sure haproxy and nginx are installed (apt-get when missing); returns null when they are,
    /// else why not (only when apt itself is unavailable or fails).
    /// </summary>
    public static async Task<string?> EnsureInstalledAsync()
    {
        if (Find("haproxy") is not null && Find("nginx") is not null)
        {
            return null;
        }

        if (Find("apt-get") is null)
        {
            return "haproxy/nginx are missing and apt-get is unavailable.";
        }

        var info = new ProcessStartInfo("bash", ["-c", "apt-get update -q && apt-get install -y -q haproxy nginx"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        info.Environment["DEBIAN_FRONTEND"] = "noninteractive";
        using var process = Process.Start(info)!;
        var stderr = process.StandardError.ReadToEndAsync();
        _ = process.StandardOutput.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        await process.WaitForExitAsync(timeout.Token);
        return process.ExitCode == 0 && Find("haproxy") is not null && Find("nginx") is not null
            ? null
            : $"apt-get install haproxy nginx failed ({process.ExitCode}): {await stderr}";
    }

    /// <summary>Starts <paramref name="executable"/> with <paramref name="arguments"/> in <paramref name="workingDirectory"/>.</summary>
    public static BalancerProcess Start(string executable, string workingDirectory, params string[] arguments)
    {
        var logPath = Path.Combine(workingDirectory, Path.GetFileName(executable) + ".log");
        var info = new ProcessStartInfo("bash") { UseShellExecute = false, WorkingDirectory = workingDirectory };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add("log=$1; shift; exec \"$@\" >>\"$log\" 2>&1");
        info.ArgumentList.Add("balancer");
        info.ArgumentList.Add(logPath);
        info.ArgumentList.Add(executable);
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        return new BalancerProcess(Process.Start(info)!, logPath);
    }

    /// <summary>The balancer's output so far.</summary>
    public string Log()
    {
        try
        {
            using var stream = new FileStream(LogPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            using var reader = new StreamReader(stream);
            var text = reader.ReadToEnd();
            return text.Length > 4000 ? text[^4000..] : text;
        }
        catch (IOException)
        {
            return string.Empty;
        }
    }

    /// <summary>Kills the balancer and its worker processes.</summary>
    public ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }

        _process.Dispose();
        return ValueTask.CompletedTask;
    }
}
