// The one line a project needs to run on GridFleet: the World, the hooks and the step library.
// In your own project write: import 'gridfleet-cucumber/register';
import '../../src/register';
// The step library, until src/register.ts includes it (then this import registers nothing twice).
import '../../src/steps';
