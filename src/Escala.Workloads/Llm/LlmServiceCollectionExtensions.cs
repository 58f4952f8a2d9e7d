using Escala.Configuration;
using Escala.Execution;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Escala.Workloads.Llm;

/// <summary>Registers the <c>llm.chat</c> kind.</summary>
public static class LlmServiceCollectionExtensions
{
    /// <summary>Adds <see cref="LlmChatHandler"/>, the model clients (built from <c>models</c>) and their metrics.</summary>
    public static IServiceCollection AddEscalaLlm(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddHttpClient(LlmClients.HttpClientName, client => client.Timeout = Timeout.InfiniteTimeSpan);
        services.TryAddSingleton(sp => new LlmClients(
            sp.GetService<EscalaSettings>()?.Models ?? new Dictionary<string, ModelSettings>(), sp.GetRequiredService<IHttpClientFactory>()));
        services.TryAddSingleton(sp => new LlmMetrics(sp.GetService<System.Diagnostics.Metrics.IMeterFactory>()));
        services.AddSingleton<IJobHandler, LlmChatHandler>();
        return services;
    }
}
