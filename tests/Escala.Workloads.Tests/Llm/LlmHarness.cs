using Escala.Configuration;
using Escala.Workloads.Llm;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Escala.Workloads.Tests.Llm;

/// <summary>An <see cref="LlmChatHandler"/> over the given models, with real HTTP clients.</summary>
internal static class LlmHarness
{
    public static LlmChatHandler Handler(Dictionary<string, ModelOptions> models, TimeProvider? time = null)
    {
        var settings = SettingsBuilder.Build(new EscalaOptions { Models = models });
        var services = new ServiceCollection();
        services.AddHttpClient(LlmClients.HttpClientName);
        var http = services.BuildServiceProvider().GetRequiredService<IHttpClientFactory>();
        return new LlmChatHandler(new LlmClients(settings.Models, http), new LlmMetrics(), time ?? TimeProvider.System);
    }

    public static FakeTimeProvider Clock() => new(DateTimeOffset.UtcNow);

    public static string Args(string text, string? model = "qwen", bool stream = true, int? maxTokens = null)
    {
        var parts = new List<string>();
        if (model is not null)
        {
            parts.Add($"\"model\":\"{model}\"");
        }

        parts.Add($"\"messages\":[{{\"role\":\"system\",\"content\":\"be brief\"}},{{\"role\":\"user\",\"content\":\"{text}\"}}]");
        parts.Add($"\"stream\":{(stream ? "true" : "false")}");
        if (maxTokens is { } max)
        {
            parts.Add($"\"maxTokens\":{max}");
        }

        return "{" + string.Join(',', parts) + "}";
    }
}
