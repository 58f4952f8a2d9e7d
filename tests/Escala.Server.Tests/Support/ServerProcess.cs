using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Escala.Server.Hosting;

namespace Escala.Server.Tests.Support;

/// <summary>
/// <c>escala serve</c> as a real child process (<c>dotnet escala.dll</c>, the build output this test project
/// references) on a SQLite directory and a free loopback port. Killed with SIGKILL on dispose if still running.
/// </summary>
internal sealed class ServerProcess : IDisposable
{
    private ServerProcess(ChildProcess child, Uri address)
    {
        Child = child;
        Address = address;
        Http = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(30) };
        Api = new EscalaApi(Http);
    }

    public ChildProcess Child { get; }

    public Uri Address { get; }

    public HttpClient Http { get; }

    public EscalaApi Api { get; }

    /// <summary>The <c>escala.dll</c> next to the referenced server assembly.</summary>
    public static string EscalaDll
    {
        get
        {
            var dll = typeof(EscalaHost).Assembly.Location;
            var runtimeConfig = Path.ChangeExtension(dll, ".runtimeconfig.json");
            if (!File.Exists(runtimeConfig))
            {
                throw new InvalidOperationException($"{runtimeConfig} is missing: {dll} cannot run on its own.");
            }

            return dll;
        }
    }

    /// <summary>The <c>dotnet</c> host running this test, or the one on the PATH.</summary>
    public static string DotnetHost =>
        Environment.ProcessPath is { } path && Path.GetFileNameWithoutExtension(path) == "dotnet" ? path : "dotnet";

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Starts <c>escala</c> with <paramref name="args"/> in <paramref name="workingDirectory"/> and returns at once.</summary>
    public static ChildProcess Run(string workingDirectory, params string[] args) =>
        Run(workingDirectory, new Dictionary<string, string?>(), args);

    /// <summary>Starts <c>escala</c> with extra environment variables and returns at once.</summary>
    public static ChildProcess Run(string workingDirectory, IReadOnlyDictionary<string, string?> environment, params string[] args)
    {
        var start = new ProcessStartInfo(DotnetHost) { WorkingDirectory = workingDirectory };
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        start.ArgumentList.Add(EscalaDll);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        return new ChildProcess(start);
    }

    /// <summary>Starts <c>escala serve</c> on <paramref name="dataDirectory"/> with the given config file and waits until <c>/health/ready</c> answers 200.</summary>
    public static Task<ServerProcess> StartAsync(string dataDirectory, string configFile)
    {
        Directory.CreateDirectory(dataDirectory);
        return StartInAsync(dataDirectory, "--data", dataDirectory, "--config", configFile);
    }

    /// <summary>Starts <c>escala serve</c> with <paramref name="serveArgs"/> in <paramref name="workingDirectory"/> on a free port and waits until it is ready.</summary>
    public static Task<ServerProcess> StartInAsync(string workingDirectory, params string[] serveArgs) =>
        StartInAsync(workingDirectory, new Dictionary<string, string?>(), serveArgs);

    /// <summary>Starts <c>escala serve</c> with extra environment variables on a free port and waits until it is ready.</summary>
    public static async Task<ServerProcess> StartInAsync(string workingDirectory, IReadOnlyDictionary<string, string?> environment, params string[] serveArgs)
    {
        var port = FreePort();
        var address = new Uri($"http://127.0.0.1:{port}");
        var child = Run(workingDirectory, environment, ["serve", "--urls", address.ToString().TrimEnd('/'), .. serveArgs]);
        var server = new ServerProcess(child, address);
        try
        {
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
            while (true)
            {
                if (child.Process.HasExited)
                {
                    throw new InvalidOperationException($"escala serve exited with {child.Process.ExitCode}:\n{child.Output}");
                }

                try
                {
                    using var response = await server.Http.GetAsync("/health/ready");
                    if (response.StatusCode == HttpStatusCode.OK)
                    {
                        return server;
                    }
                }
                catch (HttpRequestException)
                {
                }

                if (DateTime.UtcNow > deadline)
                {
                    throw new TimeoutException($"escala serve was not ready within 30 s:\n{child.Output}");
                }

                await Task.Delay(50);
            }
        }
        catch
        {
            server.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        Http.Dispose();
        Child.Dispose();
    }
}
