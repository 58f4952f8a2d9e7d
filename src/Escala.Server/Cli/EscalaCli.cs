using System.CommandLine;
using Escala.Configuration;
using Escala.Server.Bench;
using Escala.Server.Hosting;

namespace Escala.Server.Cli;

/// <summary>The <c>escala</c> command line: serve, submit, status, bench, loadtest.</summary>
public static class EscalaCli
{
    public static Task<int> RunAsync(string[] args)
    {
        var root = new RootCommand("Escala: a durable job server and workload governor for AI-heavy backends.")
        {
            ServeCommand(),
            ClientCommands.Submit(),
            ClientCommands.Status(),
            BenchCommand.Create(),
            LoadTest.LoadTestCommand.Create(),
            KeysCommands.Create(),
            SchedulesCommands.Create(),
            PiiCommands.Create(),
            WorkflowCommands.Create(),
        };

        // Graceful shutdown is the host's job (stop leasing, grace period, hand back): never cut it short.
        return root.Parse(args).InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null });
    }

    private static Command ServeCommand()
    {
        var urls = new Option<string?>("--urls") { Description = "Where to listen. Defaults to http://127.0.0.1:8080." };
        var data = new Option<string?>("--data") { Description = "SQLite data directory. Defaults to ./escala-data." };
        var store = new Option<string?>("--store") { Description = "PostgreSQL connection string (Host=…;Database=…) or a SQLite directory." };
        var role = new Option<string?>("--role") { Description = "all (default), api or worker." };
        var config = new Option<string?>("--config") { Description = "Configuration file. Defaults to ./escala.json when present." };
        var command = new Command("serve", "Run a node: HTTP API, workers and maintenance.") { urls, data, store, role, config };
        command.SetAction(async (parse, _) =>
        {
            var options = new ServeOptions
            {
                Urls = parse.GetValue(urls),
                Data = parse.GetValue(data),
                Store = parse.GetValue(store),
                Role = parse.GetValue(role),
                Config = parse.GetValue(config),
            };
            return await ServeAsync(options);
        });
        return command;
    }

    /// <summary>Runs a node until SIGTERM or Ctrl+C. Exit codes: 0 stopped, 2 bad configuration, 3 store unavailable.</summary>
    public static async Task<int> ServeAsync(ServeOptions options)
    {
        WebApplication app;
        try
        {
            app = await EscalaHost.BuildAsync(options);
        }
        catch (ConfigurationException ex)
        {
            await Console.Error.WriteLineAsync(ex.Message);
            return 2;
        }
        catch (StoreUnavailableException ex)
        {
            await Console.Error.WriteLineAsync(ex.Message);
            return 3;
        }
        catch (StartupProblemException ex)
        {
            await Console.Error.WriteLineAsync(ex.Message);
            return 2;
        }

        try
        {
            await app.RunAsync();
        }
        catch (IOException ex) when (ex.InnerException is Microsoft.AspNetCore.Connections.AddressInUseException)
        {
            // Taken between the start-up check and Kestrel's bind.
            await Console.Error.WriteLineAsync(StartupChecks.PortInUse(options.Urls ?? "the configured URL", null, ex).Message);
            return 2;
        }

        return 0;
    }
}
