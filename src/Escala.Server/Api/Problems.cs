using Escala.Client;

namespace Escala.Server.Api;

/// <summary>RFC 9457 problem details for every refusal: a title, a detail, and the fields at fault.</summary>
public static class Problems
{
    public static IResult Validation(JobValidationException ex) =>
        Results.Problem(statusCode: ex.Status, title: ex.Title, detail: ex.Message,
            extensions: new Dictionary<string, object?> { ["errors"] = ex.Errors });

    public static IResult Field(int status, string field, string message) =>
        Validation(JobValidationException.One(status, field, message));

    public static IResult NotFound(string what) =>
        Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found", detail: $"{what} does not exist.");

    public static IResult Conflict(string detail) =>
        Results.Problem(statusCode: StatusCodes.Status409Conflict, title: "Conflict", detail: detail);

    public static IResult Unavailable(string detail) =>
        Results.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Service unavailable", detail: detail);
}
