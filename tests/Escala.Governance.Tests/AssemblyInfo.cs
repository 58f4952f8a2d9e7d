// The tests measure concurrency and timing of real nodes on a shared 2-core machine: one at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
