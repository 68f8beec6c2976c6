// The one line a project needs to run on GridFleet: the World, the hooks and the step library.
// In your own project write: import 'gridfleet-cucumber/register';
import '../../src/register';
