using System.Diagnostics;
using System.Text;

namespace Escala.Server.Tests.Support;

/// <summary>A child process whose output is collected in the background, killed (SIGKILL) on dispose if still running.</summary>
internal sealed class ChildProcess : IDisposable
{
    private readonly StringBuilder _output = new();

    public ChildProcess(ProcessStartInfo start)
    {
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.UseShellExecute = false;
        Process = new Process { StartInfo = start, EnableRaisingEvents = true };
        Process.OutputDataReceived += (_, e) => Append(e.Data);
        Process.ErrorDataReceived += (_, e) => Append(e.Data, "err: ");
        Process.Start();
        Process.BeginOutputReadLine();
        Process.BeginErrorReadLine();
    }

    public Process Process { get; }

    public int Id => Process.Id;

    /// <summary>Standard output and error so far (error lines start with <c>err: </c>).</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>Standard error only.</summary>
    public string Errors => string.Join('\n', Output.Split('\n').Where(l => l.StartsWith("err: ", StringComparison.Ordinal)).Select(l => l[5..]));

    /// <summary>SIGKILL (what <see cref="Process.Kill()"/> sends on Linux), then waits for the exit.</summary>
    public void KillHard()
    {
        if (!Process.HasExited)
        {
            Process.Kill(entireProcessTree: true);
        }

        Process.WaitForExit(10_000);
    }

    /// <summary>SIGTERM through <c>kill -TERM</c>.</summary>
    public void Terminate()
    {
        using var kill = Process.Start(new ProcessStartInfo("kill", ["-TERM", Process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]) { UseShellExecute = false })!;
        kill.WaitForExit(5_000);
    }

    /// <summary>Waits for the exit (output drained); false when it is still running after <paramref name="timeout"/>.</summary>
    public async Task<bool> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await Process.WaitForExitAsync(cts.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    public void Dispose()
    {
        try
        {
            KillHard();
        }
        catch (InvalidOperationException)
        {
        }

        Process.Dispose();
    }

    private void Append(string? line, string prefix = "")
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.Append(prefix).AppendLine(line);
        }
    }
}
