using System.Net;
using System.Text.Json;

namespace Escala.Server.Tests.Support;

/// <summary>Assertions on RFC 9457 problem responses.</summary>
internal static class Problem
{
    /// <summary>Asserts the status and <c>application/problem+json</c>, and returns the problem body.</summary>
    public static async Task<JsonElement> AssertAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        await EscalaApi.ExpectAsync(response, status);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await EscalaApi.ReadAsync(response);
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        return problem;
    }

    /// <summary>Asserts the status, the media type, and that <c>errors</c> names <paramref name="field"/>.</summary>
    public static async Task<JsonElement> AssertFieldAsync(HttpResponseMessage response, HttpStatusCode status, string field)
    {
        var problem = await AssertAsync(response, status);
        Assert.True(problem.TryGetProperty("errors", out var errors), $"No errors in {problem}");
        Assert.True(errors.TryGetProperty(field, out var messages), $"errors does not name '{field}': {errors}");
        Assert.NotEqual(0, messages.GetArrayLength());
        return problem;
    }
}
