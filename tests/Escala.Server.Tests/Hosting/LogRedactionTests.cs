using System.Collections.Concurrent;
using Escala.Execution;
using Escala.Server.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Escala.Server.Tests.Hosting;

/// <summary>Handlers' errors quote user data; the node's logs never do.</summary>
public sealed class LogRedactionTests
{
    private const string Cpf = "529.982.247-25";
    private const string CpfBare = "80162456506";

    [Fact]
    public async Task FailingJob_ErrorWithCpfs_NeverReachesALogLine()
    {
        var lines = new CapturingLoggerProvider();
        var handler = new LeakyHandler();
        await using var node = await TestNode.StartAsync(configureServices: services =>
        {
            services.AddSingleton<ILoggerProvider>(lines);
            services.AddSingleton<IJobHandler>(handler);
        });

        var permanent = await node.Api.SubmitIdAsync(new { kind = LeakyHandler.JobKind, args = new { permanent = true }, maxAttempts = 1 });
        var transient = await node.Api.SubmitIdAsync(new { kind = LeakyHandler.JobKind, args = new { permanent = false }, maxAttempts = 1 });
        await node.Api.WaitForStateAsync(permanent, "dead");
        await node.Api.WaitForStateAsync(transient, "dead");
        await Eventually.UntilAsync(() => Task.FromResult(lines.Messages.Count(m => m.Contains("failed", StringComparison.Ordinal))),
            count => count >= 2, "both failures logged", TimeSpan.FromSeconds(10));

        var all = string.Join("\n", lines.Messages);
        Assert.DoesNotContain(Cpf, all, StringComparison.Ordinal);
        Assert.DoesNotContain(CpfBare, all, StringComparison.Ordinal);
        Assert.Contains("[CPF]", all, StringComparison.Ordinal); // the message is there, its data is not
    }

    private sealed class LeakyHandler : IJobHandler
    {
        public const string JobKind = "leaky";

        public string Kind => JobKind;

        public Task<object?> ExecuteAsync(JobContext context, CancellationToken cancellationToken)
        {
            var message = $"could not register customer CPF {Cpf} (duplicate of cpf {CpfBare})";
            throw context.Args.GetProperty("permanent").GetBoolean()
                ? new PermanentJobException(message)
                : new TransientJobException(message);
        }
    }

    private sealed class CapturingLoggerProvider : ILoggerProvider
    {
        public ConcurrentQueue<string> Messages { get; } = new();

        public ILogger CreateLogger(string categoryName) => new Logger(Messages);

        public void Dispose()
        {
        }

        private sealed class Logger(ConcurrentQueue<string> messages) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                messages.Enqueue(formatter(state, exception) + (exception is null ? "" : " " + exception) +
                                 (state is IEnumerable<KeyValuePair<string, object?>> values ? " " + string.Join(" ", values.Select(v => $"{v.Key}={v.Value}")) : ""));
        }
    }
}
