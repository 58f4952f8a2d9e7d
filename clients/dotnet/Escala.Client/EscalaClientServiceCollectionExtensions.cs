using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Escala.Client;

/// <summary><c>services.AddEscalaClient(o =&gt; o.BaseAddress = new("http://escala:8080"))</c>, then inject <see cref="EscalaClient"/>.</summary>
public static class EscalaClientServiceCollectionExtensions
{
    public static IHttpClientBuilder AddEscalaClient(this IServiceCollection services, Action<EscalaClientOptions>? configure = null)
    {
        var options = services.AddOptions<EscalaClientOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        return services.AddHttpClient<EscalaClient>((sp, http) => Configure(http, sp.GetRequiredService<IOptions<EscalaClientOptions>>().Value));
    }

    internal static void Configure(HttpClient http, EscalaClientOptions options)
    {
        http.BaseAddress = options.BaseAddress;
        http.Timeout = options.Timeout + TimeSpan.FromSeconds(60); // room for ?wait= (capped by the server's Limits:MaxWait)
        if (!string.IsNullOrEmpty(options.ApiKey))
        {
            http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", options.ApiKey);
        }
    }
}
