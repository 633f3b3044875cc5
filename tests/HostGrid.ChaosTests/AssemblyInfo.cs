// Each chaos class starts a cluster of real agent processes; two at once would share two cores and blur the timings
// the tests assert.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
